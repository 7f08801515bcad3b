package rules

import (
	"github.com/mzflow/mzflow"
)

// provinces maps the province-level codes of GB/T 2260 (the first two digits of every
// division code) to their names, from docs/domain.md §6 [I3]. The list is closed and short,
// so it lives in code rather than in a data file that could go missing at run time.
var provinces = map[string]string{
	"11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
	"21": "辽宁", "22": "吉林", "23": "黑龙江",
	"31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
	"41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
	"50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
	"61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
	"71": "台湾", "81": "香港", "82": "澳门",
}

// ValidProvince reports whether code2 is a province-level code of GB/T 2260 (docs/domain.md
// §6), 71 台湾, 81 香港 and 82 澳门 included. 83 is not a province: it appears only on
// Taiwan residents' residence permits, which ValidateID accepts on its own.
func ValidProvince(code2 string) bool {
	_, ok := provinces[code2]
	return ok
}

// ProvinceName returns the short Chinese name of a province-level code ("34" → "安徽"),
// so pages and reports can say where a code belongs without another table.
func ProvinceName(code2 string) (string, bool) {
	name, ok := provinces[code2]
	return name, ok
}

// CheckTownshipCode checks a GB/T 10114-2003 township code: 9 digits, a known province,
// a county part that is a real county (the last four digits of the 6-digit county code
// are not 0000, which would be a province) and a township part that is not 000 (which
// would be the county itself). It cannot tell whether the township exists: that is the
// organisation registry's job. The error is an *mzflow.Error with code
// mzflow.CodeInvalid and a Chinese message for staff.
func CheckTownshipCode(code string) error {
	if len(code) != 9 || !allDigits(code) {
		return mzflow.Errorf(mzflow.CodeInvalid, "乡镇代码应为9位数字（GB/T 10114）")
	}
	if !ValidProvince(code[:2]) {
		return mzflow.Errorf(mzflow.CodeInvalid, "乡镇代码无效：前两位 %s 不是省级行政区划代码", code[:2])
	}
	if code[2:6] == "0000" {
		return mzflow.Errorf(mzflow.CodeInvalid, "乡镇代码无效：前6位应为县级行政区划代码，不能以0000结尾")
	}
	if code[6:] == "000" {
		return mzflow.Errorf(mzflow.CodeInvalid, "乡镇代码无效：后3位为乡镇序号，不能为000")
	}
	return nil
}

// allDigits reports whether s is made of ASCII digits only. It is byte-based on purpose:
// full-width digits such as "１" must not pass for codes that are stored and compared as
// ASCII.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

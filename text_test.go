package mzflow

import "testing"

func TestTextChecks(t *testing.T) {
	decomposed := "e\u0301" // é as e + combining acute: not NFC
	for _, c := range []struct {
		check  func(string) string
		in     string
		refuse bool
	}{
		{CheckName, "张三", false},
		{CheckName, "阿依古丽·买买提", false},
		{CheckName, "Zhang San", false},
		{CheckName, "张\x00三", true},
		{CheckName, "张\u202e三", true},
		{CheckName, "张\u200b三", true},
		{CheckName, "😀😀", true},
		{CheckName, "张三😀", true},
		{CheckName, "··", true},
		{CheckName, "张\xff三", true},
		{CheckName, "张\ufffd三", true},
		{CheckName, "压测12", false},
		{CheckName, "123", true},
		{CheckName, "张三!", true},
		{CheckName, "张_三", true},
		{CheckName, decomposed, true},
		{CheckLine, "青松村3组", false},
		{CheckLine, "青松村\n3组", true},
		{CheckLine, "青松村\u2066", true},
		{CheckLine, "a\u0085b", true}, // C1 NEL
		{CheckText, "第一行\n第二行\t完", false},
		{CheckText, "理由\r\n", true},
		{CheckText, "理由\x1b[31m", true},
		{CheckText, "理由\u061c", true},
		{CheckText, "同意 👍", false},
		{CheckPhone, "", false},
		{CheckPhone, "13800138000", false},
		{CheckPhone, "+8613800138000", false},
		{CheckPhone, "0591-87654321", false},
		{CheckPhone, "010-12345678-123", false},
		{CheckPhone, "02112345678", false},
		{CheckPhone, "12800138000", true},
		{CheckPhone, "1380013800", true},
		{CheckPhone, "not-a-phone-<script>", true},
		{CheckPhone, "0591-123", true},
	} {
		if got := c.check(c.in); (got != "") != c.refuse {
			t.Errorf("check(%q) = %q, want refused %v", c.in, got, c.refuse)
		}
	}
	if n := DistinctNames([]string{"张三", " 张三", "", "李四", "e\u0301", "\u00e9"}); n != 3 {
		t.Errorf("DistinctNames = %d, want 3 (张三, 李四, é)", n)
	}
}

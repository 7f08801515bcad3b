import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { router } from './router'
import { onUnauthorized } from './api'
import './style.css'

// An expired or ended token sends the user back to login, returning here afterwards.
onUnauthorized(() => {
  const here = router.currentRoute.value
  if (here.name !== 'login') {
    void router.replace({ name: 'login', query: { redirect: here.fullPath } })
  }
})

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')

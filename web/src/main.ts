import { createApp } from 'vue'
import { ElLoading } from 'element-plus'
// Element Plus components and their styles are imported where pages use them (Vite's
// components plugin); what templates cannot name — the base styles, the message boxes
// called from scripts and the v-loading directive — is loaded here.
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/loading/style/css'
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

createApp(App).directive('loading', ElLoading.directive).use(router).mount('#app')

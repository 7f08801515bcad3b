import { createRouter, createWebHistory } from 'vue-router'
import { session } from './api'
import AppLayout from './views/AppLayout.vue'
import LoginView from './views/LoginView.vue'

// History-mode routes; web/web.go answers every unknown path with index.html.
export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: '登录' } },
    // Sign-in's own steps, outside the menu: a restricted session may do only these.
    { path: '/security/password', name: 'security-password', component: () => import('./views/ForcedPasswordView.vue'), meta: { title: '修改密码' } },
    { path: '/security/totp', name: 'security-totp', component: () => import('./views/TotpView.vue'), meta: { title: '两步验证' } },
    // The written notice prints on its own page, without the menu and header.
    { path: '/cases/:id/notice', name: 'case-notice', component: () => import('./views/NoticeView.vue'), props: true, meta: { title: '书面告知' } },
    {
      path: '/',
      component: AppLayout,
      children: [
        { path: '', redirect: '/tasks' },
        { path: 'tasks', name: 'tasks', component: () => import('./views/TasksView.vue'), meta: { title: '待办' } },
        { path: 'cases', name: 'cases', component: () => import('./views/CasesView.vue'), meta: { title: '申请' } },
        { path: 'cases/new', name: 'case-new', component: () => import('./views/NewCaseView.vue'), meta: { title: '新建申请' } },
        { path: 'cases/:id', name: 'case', component: () => import('./views/CaseView.vue'), props: true, meta: { title: '申请详情' } },
        { path: 'overdue', name: 'overdue', component: () => import('./views/OverdueView.vue'), meta: { title: '逾期看板' } },
        // The board's old address; 督办 now names the dispatch meeting's supervision items.
        { path: 'supervision', redirect: '/overdue' },
        { path: 'notifications', name: 'notifications', component: () => import('./views/NotificationsView.vue'), meta: { title: '消息' } },
        { path: 'admin/rules', name: 'rules', component: () => import('./views/admin/RulesView.vue'), meta: { title: '办理规则' } },
        { path: 'admin/users', name: 'users', component: () => import('./views/admin/UsersView.vue'), meta: { title: '用户与单位' } },
        { path: 'admin/audit', name: 'audit', component: () => import('./views/admin/AuditView.vue'), meta: { title: '审计日志' } },
        { path: 'admin/calendar', name: 'calendar', component: () => import('./views/admin/CalendarView.vue'), meta: { title: '工作日历' } },
        { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: '页面不存在' } },
      ],
    },
  ],
})

router.beforeEach((to) => {
  if (!to.meta.public && !session.token) {
    return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  if (to.name === 'login' && session.token) return { path: '/tasks' }
  // A restricted token works nowhere else (the server answers 403): go where it must.
  if (session.token && session.restricted === 'password' && to.name !== 'security-password') return { name: 'security-password' }
  if (session.token && session.restricted === 'enroll' && to.name !== 'security-totp') return { name: 'security-totp' }
  return true
})

router.afterEach((to) => {
  const t = to.meta.title as string | undefined
  document.title = t ? `${t} - 民政审批` : '民政审批'
})

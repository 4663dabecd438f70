import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { SCREENS, type ScreenKey } from './screens'
import DashboardView from './views/DashboardView.vue'
import NotBuiltView from './views/NotBuiltView.vue'
import AccountsView from './views/AccountsView.vue'
import AuditView from './views/AuditView.vue'
import CalendarView from './views/CalendarView.vue'
import QueueView from './views/QueueView.vue'
import CaseView from './views/CaseView.vue'
import LettersView from './views/LettersView.vue'
import InvestigationsView from './views/InvestigationsView.vue'
import SyncView from './views/SyncView.vue'
import SettingsView from './views/SettingsView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    screen?: ScreenKey
  }
}

// Hash history: the app is served from Tauri's custom protocol (and `base: './'`), where only
// the index document exists.
const routes: RouteRecordRaw[] = SCREENS.map((screen) => {
  const path = screen.key === 'case' ? '/case/:id?' : screen.path
  if (screen.key === 'dashboard') return { path, name: screen.key, component: DashboardView, meta: { screen: screen.key } }
  if (screen.key === 'warnings') return { path, name: screen.key, component: QueueView, props: { kind: 'warning' }, meta: { screen: screen.key } }
  if (screen.key === 'yellow' || screen.key === 'red') return { path, name: screen.key, component: QueueView, props: { kind: screen.key }, meta: { screen: screen.key } }
  if (screen.key === 'case') return { path, name: screen.key, component: CaseView, meta: { screen: screen.key } }
  if (screen.key === 'calendar') return { path, name: screen.key, component: CalendarView, meta: { screen: screen.key } }
  if (screen.key === 'sync') return { path, name: screen.key, component: SyncView, meta: { screen: screen.key } }
  if (screen.key === 'settings') return { path, name: screen.key, component: SettingsView, meta: { screen: screen.key } }
  if (screen.key === 'letters') return { path, name: screen.key, component: LettersView, meta: { screen: screen.key } }
  return { path, name: screen.key, component: NotBuiltView, props: { screen: screen.key }, meta: { screen: screen.key } }
})
// Reached from the user menu in the top bar (issue 7): accounts (administrators), audit log.
routes.push({ path: '/accounts', name: 'accounts', component: AccountsView })
routes.push({ path: '/audit', name: 'audit', component: AuditView })
// The integrity findings queue (issue 5), reached from the counts of the dashboard and the queues.
routes.push({ path: '/findings', name: 'findings', component: QueueView, props: { kind: 'findings' } })
// Red-card investigations (issue 7), reached from the 文书 screen and the red queue.
routes.push({ path: '/investigations', name: 'investigations', component: InvestigationsView })
routes.push({ path: '/:rest(.*)*', redirect: '/' })

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
})

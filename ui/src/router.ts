import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { SCREENS, type ScreenKey } from './screens'
import DashboardView from './views/DashboardView.vue'
import NotBuiltView from './views/NotBuiltView.vue'
import CalendarView from './views/CalendarView.vue'

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
  if (screen.key === 'calendar') return { path, name: screen.key, component: CalendarView, meta: { screen: screen.key } }
  return { path, name: screen.key, component: NotBuiltView, props: { screen: screen.key }, meta: { screen: screen.key } }
})
routes.push({ path: '/:rest(.*)*', redirect: '/' })

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
})

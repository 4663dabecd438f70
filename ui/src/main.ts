import { createApp } from 'vue'
import 'element-plus/dist/index.css'
import './styles.css'
import App from './App.vue'
import { router } from './router'
import { applyDocumentLanguage, currentLanguage, i18n } from './i18n'
import { loadAppInfo } from './appInfo'
import { startLive } from './live'

applyDocumentLanguage(currentLanguage())
createApp(App).use(i18n).use(router).mount('#app')
void loadAppInfo()
void startLive()

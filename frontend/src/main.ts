import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { router } from './router';
import { setUnauthorizedHandler } from './api/client';
import { setAccount } from './session';

setUnauthorizedHandler(() => {
  setAccount(null);
  const here = router.currentRoute.value;
  if (here.name !== 'login') {
    void router.push({ name: 'login', query: { next: here.fullPath, expired: '1' } });
  }
});

createApp(App).use(ElementPlus).use(router).mount('#app');

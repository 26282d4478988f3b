// A small typed dictionary: zh-CN by default, English switchable. Keys are
// checked by the compiler; English must have every key the Chinese has.
import { ref, watch } from 'vue';
import { zh } from './zh';
import { en } from './en';

export type Locale = 'zh-CN' | 'en';
type Tree = { readonly [k: string]: string | Tree };
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type Key = Leaves<typeof zh>;

const STORAGE_KEY = 'renke.locale';
const stored = localStorage.getItem(STORAGE_KEY);
export const locale = ref<Locale>(stored === 'en' ? 'en' : 'zh-CN');
watch(
  locale,
  (l) => {
    localStorage.setItem(STORAGE_KEY, l);
    document.documentElement.lang = l;
  },
  { immediate: true },
);

const dictionaries: Record<Locale, Tree> = { 'zh-CN': zh, en };

/** The text for `key`, with `{name}` placeholders filled from `params`. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  let node: string | Tree | undefined = dictionaries[locale.value];
  for (const part of key.split('.')) {
    node = typeof node === 'object' ? node[part] : undefined;
  }
  const text = typeof node === 'string' ? node : key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

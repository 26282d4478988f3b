// Loading state for a page: data, a spinner flag, and the API's error text.
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { errorText } from '../utils/errors';

export interface Loader<T> {
  data: ShallowRef<T | undefined>;
  loading: Ref<boolean>;
  error: Ref<string>;
  load: () => Promise<void>;
}

export function useLoader<T>(fetch: () => Promise<T>): Loader<T> {
  const data = shallowRef<T>();
  const loading = ref(false);
  const error = ref('');
  async function load(): Promise<void> {
    loading.value = true;
    error.value = '';
    try {
      data.value = await fetch();
    } catch (e) {
      error.value = errorText(e);
    } finally {
      loading.value = false;
    }
  }
  return { data, loading, error, load };
}

// The part of the breadcrumb a page knows only once loaded (a round's name).
import { ref } from 'vue';

export const crumbTail = ref<{ text: string; to: string } | null>(null);

// The paged lists' state: the rows of the current page, the total, the page and its
// size, loading and the error to show. Changing the page loads it; changing the page
// size, or calling search() after a filter changed, goes back to page 1.
import { ref, watch, type Ref } from 'vue'
import { errorMessage, type Page } from './api'

export function usePaged<T>(fetch: (page: number, pageSize: number) => Promise<Page<T>>) {
  const items = ref([]) as Ref<T[]>
  const total = ref(0)
  const page = ref(1)
  const pageSize = ref(20)
  const loading = ref(false)
  const error = ref('')

  async function load() {
    loading.value = true
    error.value = ''
    try {
      const r = await fetch(page.value, pageSize.value)
      items.value = r.items ?? []
      total.value = r.total ?? 0
    } catch (e) {
      error.value = errorMessage(e)
      items.value = []
      total.value = 0
    } finally {
      loading.value = false
    }
  }

  function search() {
    if (page.value !== 1) page.value = 1 // the page watcher loads
    else void load()
  }

  watch(page, () => void load())
  watch(pageSize, search)
  return { items, total, page, pageSize, loading, error, load, search }
}

import { describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { flushPromises } from '@vue/test-utils'
import { ApiError } from './api'
import { usePaged } from './paged'

describe('usePaged', () => {
  it('loads the page asked for and goes back to page 1 on a new search', async () => {
    const fetch = vi.fn(async (page: number, size: number) => ({ items: [`p${page}s${size}`], total: 41, page, page_size: size }))
    const l = usePaged(fetch)
    await l.load()
    expect(l.items.value).toEqual(['p1s20'])
    l.page.value = 3
    await nextTick()
    await flushPromises()
    expect(l.items.value).toEqual(['p3s20'])
    l.search()
    await nextTick()
    await flushPromises()
    expect(l.page.value).toBe(1)
    expect(fetch).toHaveBeenLastCalledWith(1, 20)
    expect(fetch).toHaveBeenCalledTimes(3)
  })

  it('shows the error and empties the list when a load fails', async () => {
    const l = usePaged(async () => {
      throw new ApiError(503, 'unavailable', '服务暂不可用，请稍后再试')
    })
    l.items.value = ['old']
    await l.load()
    expect(l.error.value).toBe('服务暂不可用，请稍后再试')
    expect(l.items.value).toEqual([])
    expect(l.loading.value).toBe(false)
  })
})

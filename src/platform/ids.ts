const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Whether `s` is a UUID in its canonical textual form (any case): safe to cast to `uuid` in SQL. */
export const isUuid = (s: string): boolean => UUID.test(s)

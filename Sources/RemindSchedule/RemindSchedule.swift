// RemindSchedule: (overview written with the module)

// RemindControl: (overview written with the module)

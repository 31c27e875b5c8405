// RemindText: (overview written with the module)

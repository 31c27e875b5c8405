// RemindInbox: (overview written with the module)

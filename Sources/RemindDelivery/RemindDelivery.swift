// RemindDelivery: (overview written with the module)

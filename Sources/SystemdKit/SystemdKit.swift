// SystemdKit: (overview written with the module)

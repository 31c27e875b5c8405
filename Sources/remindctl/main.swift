// remindctl: the control CLI's entry point.

// RemindConfig: /etc/remindd/remindd.toml → a validated `Configuration`.
//
// TOMLKit stays inside this module. Every key is checked: an unknown key, a value of
// the wrong type or a value out of range is a `ConfigError` naming the file, the key
// (`schedule.stagger`) and the reason; all problems of a file are reported at once.
// Loading reads the file, the time-zone database and the holiday file `[schedule]
// closed_dates` names (its bad lines are problems of that key), and nothing else:
// templates are validated by RemindText, the spool by RemindSpool.

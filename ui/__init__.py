"""ui: the Qt front end. It may import the core (``controlroom``); never the reverse."""

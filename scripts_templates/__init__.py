"""The built-in cue templates, one folder per language, shipped inside the audioroutine package."""

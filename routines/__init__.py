"""The built-in routines (YAML files), shipped inside the audioroutine package."""

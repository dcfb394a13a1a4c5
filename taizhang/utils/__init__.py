"""Model-less helpers shared by the apps."""

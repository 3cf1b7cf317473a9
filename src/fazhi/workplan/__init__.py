"""Work plans (工作方案): templates, key tasks, progress and supervision."""

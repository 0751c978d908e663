"""The rules of the scenario format, one section a module, from issues up to mediators: each
section's class builds on the one before, and :class:`~negsim.format.validation.ScenarioValidator`
on the last."""

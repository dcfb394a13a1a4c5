"""整改: rectification plans (巡视/巡察/审计整改 …) with their aspects, problems and measures;
each measure is a supervision task."""

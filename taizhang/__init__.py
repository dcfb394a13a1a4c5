"""taizhang (台账): the system of record for supervised work."""

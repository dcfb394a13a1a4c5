from django.db import connection, models


class DailyRun(models.Model):
    """A daily job that was enqueued: the unique row is the lock across workers."""

    name = models.CharField(max_length=60)
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "day"], name="daily_run_once"),
        ]

    def __str__(self):
        return f"{self.name} {self.day}"


class Counter(models.Model):
    """A named sequence (a ledger's numbers for one organisation and year).

    ``next_value`` increments it in one statement, so concurrent writers never read the same
    number, and numbers compare as integers (the 10,000th follows the 9,999th).
    """

    name = models.CharField(max_length=100, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name} = {self.value}"

    @classmethod
    def next_value(cls, name):
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            # Standard upsert, understood by SQLite ≥ 3.35 and PostgreSQL alike.
            cursor.execute(
                f"INSERT INTO {table} (name, value) VALUES (%s, 1) "
                f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + 1 RETURNING value",
                [name],
            )
            return cursor.fetchone()[0]

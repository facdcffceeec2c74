from django.core.management.base import BaseCommand, CommandError

from clickstream.catalog import (
    CATALOG_PATH,
    CatalogError,
    SyncResult,
    load_catalog,
    sync_catalog,
)


class Command(BaseCommand):
    help = (
        "Load the destination catalog into the database. Safe to run again: "
        "entries that match the file are left unchanged. Entries missing from "
        "the file are deleted, or marked deprecated while connections or "
        "integrations use them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(CATALOG_PATH),
            help="The catalog JSON file (default: %(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would change, field by field, and write nothing.",
        )

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        try:
            catalog = load_catalog(options["file"])
            connections, destinations = sync_catalog(catalog, dry_run=dry_run)
        except CatalogError as error:
            raise CommandError(str(error)) from error

        if dry_run:
            self.stdout.write("Dry run: these changes were not written.")
        self._report("Connection prototypes", connections)
        self._report("Clickstream prototypes", destinations)

    def _report(self, kind: str, result: SyncResult) -> None:
        self.stdout.write(
            f"{kind}: {len(result.created)} created, "
            f"{len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged, "
            f"{len(result.deprecated)} deprecated, "
            f"{len(result.deleted)} deleted."
        )
        for outcome in ("created", "updated", "deprecated", "deleted"):
            for code in getattr(result, outcome):
                self.stdout.write(f"  {code} ({outcome})")
                for line in result.changes.get(code, []):
                    self.stdout.write(f"    {line}")

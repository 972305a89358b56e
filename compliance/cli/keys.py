"""Integrity and keys: verify the stored history, rekey the store, make a key."""

from __future__ import annotations

import sys

import click

from compliance.cli.common import App, pass_app
from compliance.views.text import echo_json, render_verify


@click.command()
@click.option(
    "--since",
    "since_run",
    metavar="RUN",
    help="Check only what was recorded after this nightly run's checkpoint (a run id from `casecheck runs --json`).",
)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def verify(app: App, since_run: str | None, as_json: bool) -> None:
    """Prove the stored history is whole and untampered.

    Checks every record's seal, every child's and alert's chain of records, and the
    store's head against the checkpoint of every nightly run. Exit 1 when anything is
    wrong, naming the first broken record. See docs/security.md for what this proves.
    """
    result = app.store.verify(since_run)
    if as_json:
        echo_json(result.to_json())
    else:
        render_verify(result)
    if not result.ok:
        sys.exit(1)


@click.command()
@click.argument("new_db")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def rekey(app: App, new_db: str, as_json: bool) -> None:
    """Copy the store into the new, empty store NEW_DB under a new key, and verify it.

    The current key is CASECHECK_CIPHER_KEY; the new one is CASECHECK_NEW_CIPHER_KEY
    (make one with `casecheck new-key`; unset, the copy is not encrypted). The store
    itself is only read. Afterwards use NEW_DB with the new key as CASECHECK_CIPHER_KEY.
    """
    from compliance.rekey import rekey_store
    from compliance.store import new_store_for_rekey

    done = rekey_store(app.store, new_store_for_rekey(new_db))
    if as_json:
        echo_json(
            {
                "records": done.records,
                "aggregates": done.aggregates,
                "checkpoint_run": done.checkpoint_run,
                **done.head.to_json(),
            }
        )
        return
    click.echo(
        f"copied and verified {done.records} records of {done.aggregates} aggregates into {new_db}; "
        f"head {done.head.hex}; use it with the new key as CASECHECK_CIPHER_KEY"
    )


@click.command("new-key")
def new_key() -> None:
    """Print a new key for encrypting the store (set it as CASECHECK_CIPHER_KEY)."""
    from compliance.store import new_cipher_key

    click.echo(new_cipher_key())


COMMANDS = (verify, rekey, new_key)

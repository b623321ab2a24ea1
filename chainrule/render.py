"""placeholder"""
import click


@click.command("render")
def render() -> None:
    """Render scenes (not yet)."""

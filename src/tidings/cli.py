"""The command line: thin. It parses, calls ``tidings.api`` (or an eval module), prints.

User errors (a missing path, an unknown id, a bad config) print one line and exit
with status 2 — never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from tidings import __version__
from tidings.options import Options
from tidings.untrusted import map_strings, one_line, terminal_safe

#: The grouping profiles (``--profile``): the keys of ``tidings.group.params.PROFILE_VECTORS``, written
#: out so that the command line starts without importing the grouping code (a test checks they agree).
GROUPING_PROFILES = ("default", "lexical")

T = TypeVar("T")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Cut/pad to a display width, counting wide (CJK) characters as two columns."""
    text = one_line(" ".join(str(text).split()))  # untrusted titles must not drive the terminal
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - (1 if _width(text) > width else 0):
            out.append("…")
            used += 1
            break
        out.append(ch)
        used += w
    return "".join(out) + " " * max(0, width - used)


def print_table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str, int]]) -> None:
    """Print rows as an aligned table; ``columns`` = (key, header, width)."""
    click.echo("  ".join(_fit(h, w) for _, h, w in columns).rstrip())
    for row in rows:
        cells = ["" if row.get(k) is None else str(row.get(k)) for k, _, _ in columns]
        click.echo("  ".join(_fit(c, w) for c, (_, _, w) in zip(cells, columns, strict=True)).rstrip())


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


class Context:
    """Options shared by every command."""

    def __init__(self, db: str | None, config: str | None) -> None:
        try:
            self.options = Options.load(config, db=db)
        except (OSError, ValueError) as exc:
            raise click.UsageError(f"config: {exc}") from exc

    def section(self, cls: type[T], name: str) -> T:
        """The options object of a tuned part from its ``[tidings.NAME]`` table (a bad key is a usage error)."""
        from tidings.options import OptionsError, build

        try:
            return build(cls, getattr(self.options, name), f"tidings.{name}")
        except OptionsError as exc:
            raise click.UsageError(f"config: {exc}") from exc

    def store(self, *, read_only: bool = True) -> Any:
        """The store; reading commands open it read-only (they never write, and work while an ingest runs)."""
        from tidings.store import open_store

        try:
            return open_store(self.options.db, read_only=read_only)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc


pass_ctx = click.make_pass_decorator(Context)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def _set_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(Context).options.db = value


#: ``--db`` after the subcommand too (``tidings ingest PATH --db FILE``), overriding the one before it.
db_option = click.option("--db", callback=_set_db, expose_value=False, is_eager=True,
                         help="Store: a SQLite file path (default ./tidings.db, or $TIDINGS_DB).")


class _Tidings(click.Group):
    """The command group: a store that cannot be used (damaged, full, read-only, busy, newer) is one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            from tidings.group.state import StateError
            from tidings.store import explain_error, shown_url

            context = ctx.find_object(Context)
            db = context.options.db if context is not None else ""
            message = f"{shown_url(db)}: {exc}" if isinstance(exc, StateError) else explain_error(exc, db)
            if message is None:
                raise
            raise click.ClickException(message) from exc


@click.group(cls=_Tidings, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tidings")
@click.option("--db", envvar="TIDINGS_DB", help="Store: a SQLite file (default ./tidings.db) or a postgresql:// URL.")
@click.option("--config", type=click.Path(dir_okay=False), help="TOML file with a [tidings] table of options.")
@click.pass_context
def main(ctx: click.Context, db: str | None, config: str | None) -> None:
    """Tidings: what happened, across languages and outlets."""
    if not sys.warnoptions:  # libraries' warnings are not the user's business (unless asked for with -W)
        warnings.simplefilter("ignore")
        os.environ.setdefault("PYTHONWARNINGS", "ignore")  # and the read workers' (spawned: they read it)
    ctx.obj = Context(db, config)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--no-cluster", is_flag=True, help="Only read and store articles; do not group them into events.")
@click.option("--profile", type=click.Choice(GROUPING_PROFILES),
              help="Grouping: default (multilingual vectors + words, names, time) or lexical (no vectors).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--wait", type=click.FloatRange(min=0), default=None,
              help="Seconds to wait while another tidings process writes to the store (default: fail at once).")
@click.option("--follow-links", is_flag=True, help="Read what symbolic links point to outside the given folders.")
@click.option("--engine", "engine_kind", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Who reads and understands: worker processes here, or Ray actors (bulk backfill; "
                   "pip install 'tidings[ray]'). Grouping and storing stay in this process either way.")
@click.option("--address", default=None,
              help="With --engine ray: a running Ray cluster (auto, HOST:PORT, ray://HOST:10001); "
                   "default: start a local Ray for this run.")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Read workers (processes here, or Ray actors); default: automatic.")
@json_option
@db_option
@pass_ctx
def ingest(ctx: Context, paths: tuple[str, ...], no_cluster: bool, profile: str | None, progress: bool | None,
           wait: float | None, follow_links: bool, engine_kind: str, address: str | None, workers: int | None,
           as_json: bool) -> None:
    """Read articles (text, HTML, JSONL, RSS/Atom, WARC, folders) into the store and into events."""
    from contextlib import nullcontext

    from tidings import api
    from tidings.options import OptionsError
    from tidings.store import StoreBusy, shown_url

    options = ctx.options
    if no_cluster:
        options.cluster = False
    if profile:
        options.profile = profile
    if wait is not None:
        options.wait = wait
    if follow_links:
        options.follow_links = True
    if workers is not None:
        options.workers = workers
    if address is not None and engine_kind != "ray":
        raise click.UsageError("--address is the address of a Ray cluster: use it with --engine ray")
    readers: Any = nullcontext()
    if engine_kind == "ray":
        from tidings.scale import RayReaders

        readers = RayReaders.from_options(options, address)

    def on_error(letter: Any) -> None:
        click.echo(f"error: {one_line(letter.uri)}: {one_line(letter.reason)}", err=True)

    from tidings.group.state import StateError
    from tidings.scale import RayUnavailable

    try:
        with readers as runner:
            report = api.ingest(paths, options, on_error=on_error, progress=progress, runner=runner)
    except (StoreBusy, RayUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc
    except OptionsError as exc:
        raise click.UsageError(f"config: {exc}") from exc
    except StateError as exc:  # grouped with another profile, or by another Tidings: say so, no traceback
        raise click.ClickException(f"{options.db}: {exc}") from exc
    if as_json:
        echo_json(report.to_dict())
    else:
        click.echo(
            f"stored {report.stored} new or updated article(s) ({report.new} new, {report.updated} updated), "
            f"{report.unchanged} unchanged, {report.failed} failed, "
            f"{report.sources_skipped} of {report.sources} file(s) already done; store: {shown_url(options.db)}"
        )
    if report.failed and not (report.stored or report.unchanged or report.sources_skipped):
        sys.exit(1)


@main.command()
@click.option("--limit", type=int, default=None, help="Show at most this many.")
@json_option
@db_option
@pass_ctx
def articles(ctx: Context, limit: int | None, as_json: bool) -> None:
    """List stored articles: id, language, date (and where it came from), outlet, title."""
    from tidings import api

    with ctx.store() as store:
        rows = api.list_articles(store)[:limit]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        row["date"] = f"{row['published']} ({row['published_source']})" if row["published"] else "unknown"
    print_table(rows, [("id", "ID", 16), ("lang", "LANG", 4), ("date", "DATE (SOURCE)", 40),
                       ("outlet", "OUTLET", 24), ("title", "TITLE", 60)])


@main.command()
@click.argument("article_id")
@json_option
@db_option
@pass_ctx
def article(ctx: Context, article_id: str, as_json: bool) -> None:
    """Show one article: clean text and all metadata with sources and confidence."""
    from tidings import api

    with ctx.store() as store:
        try:
            art = api.get_article(store, article_id)
        except KeyError as exc:
            raise click.ClickException(str(exc.args[0])) from exc
        versions = store.article_versions(art.id)
    data = art.to_dict()
    data["versions"] = versions
    if as_json:
        echo_json(data)
        return
    data = map_strings(data, terminal_safe)  # article text must not drive the terminal

    def fieldline(name: str, f: dict[str, Any] | None) -> None:
        if not f:
            click.echo(f"{name:<10} unknown")
            return
        ev = f" — “{f['evidence']}”" if f.get("evidence") else ""
        click.echo(f"{name:<10} {f['value']}  [{f['source']}, {f['confidence']:.2f}]{ev}")

    click.echo(f"{'id':<10} {data['id']}  (version {len(versions)})")
    click.echo(f"{'uri':<10} {data['uri']}")
    if data["url"]:
        click.echo(f"{'url':<10} {data['url']}")
    for key in ("title", "lang", "script", "published", "outlet"):
        fieldline(key, data[key])
    for link in data["provenance"]:
        click.echo(f"{'provenance':<10} {link['relation']}: {link['name']} — “{link['evidence']}”")
    if data.get("event_id"):
        click.echo(f"{'event':<10} {data['event_id']}")
    click.echo("")
    click.echo(data["text"])


@main.command("dead-letters")
@json_option
@db_option
@pass_ctx
def dead_letters(ctx: Context, as_json: bool) -> None:
    """Files and records that could not be read, and why."""
    with ctx.store() as store:
        rows = [{"uri": d.uri, "stage": d.stage, "reason": d.reason, "at": d.created_at} for d in store.dead_letters()]
    if as_json:
        echo_json(rows)
    else:
        print_table(rows, [("at", "AT", 25), ("stage", "STAGE", 10), ("uri", "FILE", 40), ("reason", "REASON", 60)])


@main.command("watch")
@click.argument("folders", nargs=-1, type=click.Path(file_okay=False))
@click.option("--feeds", "feeds_file", type=click.Path(exists=True, dir_okay=False),
              help="A file of RSS/Atom feed URLs, one per line (# comments).")
@click.option("--interval", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds between looks (and between polls of a healthy feed).")
@click.option("--once", is_flag=True, help="Look once and exit (for cron).")
@db_option
@pass_ctx
def watch_cmd(ctx: Context, folders: tuple[str, ...], feeds_file: str | None, interval: float, once: bool) -> None:
    """Ingest new and changed files in FOLDERS and new entries of feeds, as they come (Ctrl-C stops)."""
    from tidings.watch import Watcher, WatchOptions, read_feed_list

    if not folders and not feeds_file:
        raise click.UsageError("give folders to watch, --feeds FILE, or both")
    try:
        feeds = read_feed_list(feeds_file) if feeds_file else []
    except (OSError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc

    def on_error(letter: Any) -> None:
        click.echo(f"error: {one_line(letter.uri)}: {one_line(letter.reason)}", err=True)

    watcher = Watcher(ctx.options.db, folders, feeds, ctx.options, WatchOptions(interval=interval), on_error=on_error)
    if once:
        report = watcher.cycle()
        click.echo(f"{report.files} file(s), {report.feeds_fetched} feed(s) fetched, {report.feeds_unchanged} "
                   f"unchanged, {report.feeds_failed} failed; {report.ingest.new} new article(s)")
        return
    click.echo(f"watching {len(folders)} folder(s) and {len(feeds)} feed(s) every {interval:g} s; Ctrl-C stops",
               err=True)
    try:
        watcher.run()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)


@main.command("regroup")
@click.option("--profile", type=click.Choice(GROUPING_PROFILES), help="Group with this profile from now on.")
@click.option("--wait", type=click.FloatRange(min=0), default=None,
              help="Seconds to wait while another tidings process writes to the store (default: fail at once).")
@db_option
@pass_ctx
def regroup_cmd(ctx: Context, profile: str | None, wait: float | None) -> None:
    """Group every stored article into events again, from none (after --no-cluster, a profile change, a salvage)."""
    from tidings import api
    from tidings.store import shown_url

    options = ctx.options
    if profile:
        options.profile = profile
    if wait is not None:
        options.wait = wait
    n = api.regroup(options, progress=None)
    click.echo(f"grouped {n} article(s) again; store: {shown_url(options.db)}")


@main.command("check")
@click.option("--salvage", type=click.Path(dir_okay=False), default=None,
              help="Copy every row that can still be read into a new store at this path (SQLite).")
@db_option
@pass_ctx
def check_cmd(ctx: Context, salvage: str | None) -> None:
    """Check the store's integrity; say what is damaged and what can be recovered. Never writes to it."""
    from tidings.store import shown_url

    with ctx.store() as store:
        problems = store.check()
        if not problems:
            click.echo(f"{shown_url(ctx.options.db)}: ok ({store.count_articles()} articles)")
        else:
            click.echo(f"{shown_url(ctx.options.db)}: {len(problems)} problem(s):")
            for line in problems[:20]:
                click.echo(f"  {line}")
        if salvage is not None:
            counts = store.salvage(salvage)
            click.echo(f"salvaged into {salvage}: " + ", ".join(f"{n} {t}" for t, n in counts.items()))
            click.echo(f"next: `tidings regroup --db {salvage}` groups its articles into events again")
    if problems:
        sys.exit(1)


# -- events, storylines, report (tidings.tell) ------------------------------------------------


@main.command("event")
@click.argument("event_id")
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the card as Markdown.")
@click.option("--lang", default=None, help="Language for the title where one exists (default: display_lang).")
@json_option
@db_option
@pass_ctx
def event_cmd(ctx: Context, event_id: str, as_markdown: bool, lang: str | None, as_json: bool) -> None:
    """Show one event's card: title, summary, who/where/when, quotes, outcomes, timeline, coverage."""
    from tidings import api

    with ctx.store() as store:
        try:
            card = api.build_card(store, event_id, lang or ctx.options.display_lang)
        except api.UnknownId as exc:
            raise click.ClickException(str(exc.args[0])) from exc
    if as_json:
        echo_json(card.to_dict())
    else:
        click.echo(api.render_markdown(card) if as_markdown else api.render_text(card), nl=False)


@main.command("events")
@click.option("--limit", type=int, default=None, help="Show at most this many (largest first).")
@click.option("--lang", default=None, help="Language for titles where one exists (default: display_lang).")
@json_option
@db_option
@pass_ctx
def events_cmd(ctx: Context, limit: int | None, lang: str | None, as_json: bool) -> None:
    """List events, largest first: id, articles, languages, event date, place, title."""
    from tidings import api

    with ctx.store() as store:
        events = api.list_events(store, lang or ctx.options.display_lang, limit)
    rows = [row.to_dict() for row in events]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        row["languages"] = ",".join(row["languages"])
        if row["date"] and row.get("date_confidence") is not None:
            row["date"] = f"{row['date']} ({row['date_confidence']:.2f})"  # how sure: a guess must look like one
    print_table(rows, [("id", "ID", 16), ("articles", "ARTS", 4), ("languages", "LANGS", 10),
                       ("date", "DATE (SURE)", 17), ("where", "WHERE", 14), ("title", "TITLE", 60)])


@main.command("storylines")
@click.option("--rebuild", is_flag=True,
              help="Rebuild from the current events and save them (writes; default: show the saved ones).")
@json_option
@db_option
@pass_ctx
def storylines_cmd(ctx: Context, rebuild: bool, as_json: bool) -> None:
    """Threads of related events over time (shared people, organisations, places)."""
    from tidings import api
    from tidings.store import StoreBusy

    options = ctx.section(api.StorylineOptions, "storylines")
    with ctx.store(read_only=not rebuild) as store:
        try:
            items = api.rebuild_storylines(store, options) if rebuild else api.list_storylines(store, options)
        except StoreBusy as exc:
            raise click.ClickException(f"cannot rebuild storylines now: {exc}") from exc
        related = [] if as_json else api.list_related(store, options)
    if as_json:
        echo_json([s.to_dict() for s in items])
        return
    rows = [{"id": s.id, "events": len(s.event_ids), "span": " – ".join(x or "?" for x in (s.extra.get("span") or [])),
             "title": s.title} for s in items]
    print_table(rows, [("id", "ID", 15), ("events", "EVENTS", 6), ("span", "SPAN", 23), ("title", "TITLE", 70)])
    if related:
        click.echo(f"\nrelated, another story each ({len(related)}):")
        for r in related:
            shown = " ↔ ".join(f"{eid} ({date or 'undated'})" for eid, date in zip(r.event_ids, r.dates, strict=True))
            click.echo(f"  {shown}: shares {', '.join(r.shared[:4])}; {r.reason}")


@main.command("storyline")
@click.argument("storyline_id")
@json_option
@db_option
@pass_ctx
def storyline_cmd(ctx: Context, storyline_id: str, as_json: bool) -> None:
    """One storyline: its events in date order and the entities that carry it."""
    from tidings import api

    with ctx.store() as store:
        try:
            story = api.get_storyline(store, storyline_id)
        except KeyError as exc:
            raise click.ClickException(str(exc.args[0])) from exc
    if as_json:
        echo_json(story.to_dict())
        return
    click.echo(one_line(story.title))  # titles and names come from the articles
    click.echo(one_line(f"carried by: {', '.join(story.entities)}"))
    dates = story.extra.get("dates", {})
    titles = story.extra.get("event_titles", {})
    for eid in story.event_ids:
        click.echo(one_line(f"  {dates.get(eid) or 'undated':<10}  {eid}  {titles.get(eid, '')}"))


@main.command("report")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
@click.option("--lang", default=None, help="Language for titles where one exists (default: display_lang).")
@db_option
@pass_ctx
def report_cmd(ctx: Context, out: str, lang: str | None) -> None:
    """Write one self-contained HTML report of all events and storylines."""
    from tidings import api

    options = ctx.section(api.ReportOptions, "report")
    options.lang = lang or ctx.options.report.get("lang") or ctx.options.display_lang
    with ctx.store() as store:
        try:
            path = api.write_report(store, out, options.lang, options=options)
        except OSError as exc:
            raise click.ClickException(f"{out}: {exc}") from exc
    click.echo(f"wrote {path}")


# -- the server -------------------------------------------------------------------------------


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 exposes the server to the network).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option("--lang", default=None, help="Language for titles where one exists (default: display_lang).")
@click.option("--readers", type=click.IntRange(min=1), default=8, show_default=True,
              help="Read-only store connections (concurrent requests beyond this wait).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Server processes (each keeps its own caches; more use more cores).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info")
@click.option("--headline-budget", type=click.FloatRange(min=0), default=None,
              help="Seconds a listing spends making event headlines not made yet; the rest stand in "
                   "(marked pending) until the server has made them. Default 0.04; 'inf': wait for all.")
@click.option("--card-shelf/--no-card-shelf", default=True, show_default=True,
              help="Keep built event cards in a file beside a SQLite store (STORE.cards), made in the "
                   "background, so cards answer at once, also after a restart.")
@click.option("--watch", "watch_folders", multiple=True, type=click.Path(file_okay=False),
              help="Also ingest new and changed files in this folder as they come (repeatable).")
@click.option("--feeds", "feeds_file", type=click.Path(exists=True, dir_okay=False),
              help="Also poll the RSS/Atom feeds listed in this file (one URL per line).")
@click.option("--interval", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds between looks at the watched folders and feeds.")
@db_option
@pass_ctx
def serve_cmd(ctx: Context, host: str, port: int, lang: str | None, readers: int, workers: int,
              log_level: str, headline_budget: float | None, card_shelf: bool, watch_folders: tuple[str, ...],
              feeds_file: str | None, interval: float) -> None:
    """Serve the HTTP API (OpenAPI at /docs) and the web app over the store.

    Read-only unless TIDINGS_TOKEN is set: then POST /api/ingest accepts uploads with
    `Authorization: Bearer $TIDINGS_TOKEN`. With --watch/--feeds the same process also ingests
    what arrives there (one writer: it is just another writer, whose commits show within seconds).
    """
    import os

    import uvicorn

    from tidings.serve.app import create_app, settings_to_environment
    from tidings.serve.library import HEADLINE_BUDGET_S, ServeOptions
    from tidings.serve.shelf import shelf_path
    from tidings.store import open_store

    token = os.environ.get("TIDINGS_TOKEN") or None
    budget = HEADLINE_BUDGET_S if headline_budget is None else headline_budget
    options = ServeOptions(db=ctx.options.db, host=host, port=port, token=token, readers=readers,
                           display_lang=lang or ctx.options.display_lang,
                           headline_budget_s=None if budget == float("inf") else budget,
                           shelf=shelf_path(ctx.options.db) if card_shelf else None, card_process=True)
    try:
        if token:  # a server that accepts ingestion may start on an empty store: create it
            open_store(options.db).close()
        open_store(options.db, read_only=True).close()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: anyone who reaches this address can read the store", err=True)
    click.echo(f"serving {options.db} on http://{host}:{port}/ (API docs at /docs; "
               f"{'ingest with the token' if token else 'read-only'}); Ctrl-C stops", err=True)
    # keep-alive longer than uvicorn's 5 s: a reader who pauses between two pages keeps the connection
    common = {"host": host, "port": port, "log_level": log_level, "server_header": False, "proxy_headers": False,
              "timeout_keep_alive": 30}
    jobs = []
    if watch_folders or feeds_file:
        from tidings.watch import Watcher, WatchOptions, read_feed_list

        try:
            feeds = read_feed_list(feeds_file) if feeds_file else []
        except (OSError, ValueError) as exc:
            raise click.UsageError(str(exc)) from exc
        open_store(options.db).close()  # the watcher writes: make the store if it is new
        watcher = Watcher(options.db, watch_folders, feeds, ctx.options, WatchOptions(interval=interval),
                          on_error=lambda letter: click.echo(f"error: {letter.uri}: {letter.reason}", err=True))
        jobs.append(lambda stop: watcher.run(stop=stop.is_set))
    if workers == 1:
        uvicorn.run(create_app(options, ctx.options, background=jobs), **common)  # type: ignore[arg-type]
        return
    if jobs:
        raise click.UsageError("--watch and --feeds run in the one server process: leave --workers at 1")
    settings_to_environment(options, click.get_current_context().find_root().params.get("config"))
    uvicorn.run("tidings.serve.app:app_from_environment", factory=True, workers=workers, **common)  # type: ignore[arg-type]


# -- evaluation and benchmarks ------------------------------------------------------------


def _run_eval(module: str, path: str, **kwargs: Any) -> None:
    import importlib

    mod = importlib.import_module(f"tidings.eval.{module}")
    main_fn: Callable[..., Any] = mod.main
    try:
        main_fn(path, **{k: v for k, v in kwargs.items() if v is not None})
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{path}: {exc}") from exc


@main.group("eval")
def eval_group() -> None:
    """Score Tidings on labelled data (last line: the headline figure)."""


@eval_group.command("extraction")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def eval_extraction(file: str) -> None:
    """Boilerplate removal on an extraction set (id, url, body, html|text). Last line: f1=…"""
    _run_eval("extraction", file)


@eval_group.command("clusters")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--profile", type=click.Choice(GROUPING_PROFILES), default=None)
@click.option("--orders", type=click.IntRange(min=1), default=None,
              help="Also stream N-1 shuffled topic orders; print mean and worst F1 (last line: file order).")
@click.option("--runs", type=click.IntRange(min=1), default=None,
              help="Ingest the stream in N consecutive runs (the same events as one run).")
@pass_ctx
def eval_clusters(ctx: Context, file: str, profile: str | None, orders: int | None, runs: int | None) -> None:
    """Streaming event clustering through `tidings ingest` on a cluster set (id, text, event). Last line: bcubed_f1=…"""
    _run_eval("clusters", file, profile=profile, orders=orders, runs=runs, options=ctx.options)


@eval_group.command("search")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--vectors", default="auto", show_default=True,
              help="auto: the store's vectors, else computed with multilingual USE; none; or an encoder (use, e5).")
@click.option("--limit", type=int, default=None, help="Only the first N pairs.")
@pass_ctx
def eval_search(ctx: Context, file: str, vectors: str, limit: int | None) -> None:
    """Cross-lingual search on a pair set: recall@10 and MRR, overall and cross-language. Last line: recall_at_10=…"""
    _run_eval("search", file, vectors=vectors, limit=limit, options=ctx.options)


@eval_group.command("cards")
@click.argument("clusters", type=click.Path(exists=True, dir_okay=False))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--profile", type=click.Choice(GROUPING_PROFILES), default=None)
@click.option("--rows", is_flag=True, help="Also print one line per gold event.")
@pass_ctx
def eval_cards(ctx: Context, clusters: str, gold: str, profile: str | None, rows: bool) -> None:
    """Event cards (who, where, year) through `tidings ingest` against gold cards. Last line: card_score=…"""
    from tidings.eval.cards import main as run

    try:
        run(clusters, gold, rows=rows, options=ctx.options, profile=profile)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


@eval_group.command("pairs")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--profile", type=click.Choice([*GROUPING_PROFILES, "fast", "accurate"]), default=None,
              help="With --stream: the grouping profile (default, lexical); else the pair model's (fast, accurate).")
@click.option("--limit", type=int, default=None, help="Only the first N pairs.")
@click.option("--stream", is_flag=True,
              help="Group the pair set's articles as one stream through `tidings ingest` and score "
                   "'same event' per pair (last lines: cross_f1=…, f1=…).")
@pass_ctx
def eval_pairs(ctx: Context, file: str, profile: str | None, limit: int | None, stream: bool) -> None:
    """Article similarity on a pair set (text1, text2, overall). Last line: pearson=… (--stream: f1=…)"""
    wanted = GROUPING_PROFILES if stream else ("fast", "accurate")
    if profile is not None and profile not in wanted:
        mode = "with" if stream else "without"
        raise click.UsageError(f"--profile {profile}: {mode} --stream, one of {', '.join(wanted)}")
    if stream:
        _run_eval("pairs_stream", file, profile=profile, limit=limit, options=ctx.options)
    else:
        _run_eval("pairs", file, profile=profile, limit=limit)


@main.group("bench", invoke_without_command=True)
@click.pass_context
def bench_group(ctx: click.Context) -> None:
    """Throughput, latency and memory benchmarks."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(bench_events)


@bench_group.command("read")
@click.option("-n", "n", type=int, default=3000, help="Number of articles.")
def bench_read(n: int) -> None:
    """Ingest + clean + metadata throughput over real benchmark texts."""
    from tidings.eval.bench_read import main as run

    run(n=n)


@bench_group.command("events")
@click.option("-n", "n", type=int, default=None, help="Number of articles in the stream.")
@click.option("--profile", type=click.Choice(GROUPING_PROFILES), default=None)
@click.option("--workers", type=int, default=-1, show_default=True,
              help="Read workers of the tidings ingest measurement (-1: as ingest chooses).")
@click.option("--ingest-only", is_flag=True, help="Skip the one-article-at-a-time measurement.")
def bench_events(n: int | None, profile: str | None, workers: int, ingest_only: bool) -> None:
    """End-to-end ingest → event throughput, latency and memory."""
    from tidings.eval.bench_events import main as run

    run(**{k: v for k, v in {"n": n, "profile": profile}.items() if v is not None}, workers=workers,
        sequential=not ingest_only)


@bench_group.command("scale")
@click.option("-n", "n", type=int, default=2000, help="Articles for the worker, encoder and writer measurements.")
@click.option("--store-n", type=int, default=100_000, help="Articles in each store for the SQLite/PostgreSQL figures.")
@click.option("--vector-n", type=int, default=20_000, help="Of which with a stored vector.")
@click.option("--profile", type=click.Choice(GROUPING_PROFILES), default="default")
@click.option("--postgres", default=None,
              help="A PostgreSQL server URL whose user may create databases (default: a throwaway local server).")
def bench_scale(n: int, store_n: int, vector_n: int, profile: str, postgres: str | None) -> None:
    """Per-stage costs for scaling out: read workers on Ray, encoder, the grouping writer, SQLite vs PostgreSQL."""
    from tidings.eval.bench_scale import main as run
    from tidings.scale import RayUnavailable

    try:
        run(n=n, store_n=store_n, vector_n=vector_n, profile=profile, postgres=postgres)
    except RayUnavailable as exc:
        raise click.ClickException(str(exc)) from exc


@bench_group.command("serve")
@click.option("--db", "store_db", default=None,
              help="Serve a copy of this SQLite store (default: build one of -n articles).")
@click.option("-n", "n", type=int, default=2000, show_default=True, help="Articles of the store built when no --db.")
@click.option("--clients", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--seconds", type=click.FloatRange(min=1), default=60.0, show_default=True)
@click.option("--think", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Mean seconds a client waits between two requests.")
@click.option("--writer", "writer_articles", type=click.IntRange(min=0), default=400, show_default=True,
              help="Articles a concurrent `tidings ingest` adds during the run (0: no writer).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, help="Server processes.")
@click.option("--writer-nice", type=click.IntRange(0, 19), default=10, show_default=True,
              help="CPU priority of the writer (nice): a background ingest beside the server; 0: equal priority.")
def bench_serve(store_db: str | None, n: int, clients: int, seconds: float, think: float, writer_articles: int,
                workers: int, writer_nice: int) -> None:
    """The server under concurrent clients while a writer ingests: p50/p95/p99 per endpoint, errors, lost articles."""
    from tidings.eval.bench_serve import main as run

    run(db=store_db, n=n, clients=clients, seconds=seconds, think=think, writer_articles=writer_articles,
        workers=workers, writer_nice=writer_nice)


@bench_group.command("cards")
@click.option("-n", "n", type=int, default=10000, help="Number of articles.")
def bench_cards(n: int) -> None:
    """Card and storyline building time per event."""
    from tidings.eval.bench_cards import main as run

    run(n=n)


def run() -> None:
    """Entry point used by ``python -m tidings``."""
    main(prog_name="tidings")


if __name__ == "__main__":  # pragma: no cover
    run()

"""The `nahbar` command: thin wrappers over the cores, one sub-command per operator task."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

import yaml

DEMO_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "demo" / "velora_faq.yml"


def _settings():
    from nahbar.settings import Settings

    return Settings.from_env()


def _knowledge():
    from nahbar.services import connect, open_knowledge

    settings = _settings()
    return open_knowledge(settings, connect(settings))


def read_articles(path: Path) -> list[Any]:
    """Entries of a YAML or JSON import file: a list, or a mapping with an `articles` list."""
    from knowledge.articles import ArticleError

    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ArticleError(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError:
        raise ArticleError(f"{path} is not UTF-8 text") from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ArticleError(f"{path} is not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("articles")
    if not isinstance(data, list):
        raise ArticleError(f"{path} must hold a list of articles (or a mapping with an 'articles' list)")
    return data


def cmd_kb_import(args: argparse.Namespace) -> int:
    report = _knowledge().import_articles(read_articles(Path(args.file)), actor=args.actor)
    print(f"imported {args.file}: {report.created} created, {report.updated} updated, {report.unchanged} unchanged")
    return 0


def cmd_kb_export(args: argparse.Namespace) -> int:
    knowledge = _knowledge()
    entries = []
    for article in knowledge.articles(status=None if args.all else "published"):
        entry = {k: v for k, v in article.to_dict().items() if k not in ("version", "updated_at")}
        alternatives = knowledge.alternatives(article.id)
        if alternatives:
            entry["alternatives"] = alternatives
        entries.append(entry)
    text = yaml.safe_dump({"articles": entries}, allow_unicode=True, sort_keys=False)
    if args.output:
        Path(args.output).write_text(text, "utf-8")
        print(f"exported {len(entries)} articles to {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_kb_search(args: argparse.Namespace) -> int:
    from knowledge.articles import parse_language

    hits = _knowledge().search(args.query, parse_language(args.lang), args.limit)
    if not hits:
        print("no published article matches")
    for hit in hits:
        print(f"{hit.score:.3f}  [{hit.article.language}] {hit.article.slug}: {hit.article.question}")
    return 0


def cmd_kb_reindex(_args: argparse.Namespace) -> int:
    count = _knowledge().rebuild()
    print(f"index rebuilt from the database: {count} phrasings")
    return 0


def _staff():
    from nahbar.services import connect
    from staff.accounts import StaffStore

    return StaffStore(connect(_settings()))


def _read_password(args: argparse.Namespace) -> str:
    """From stdin for scripts (`--password-stdin`), else asked twice without echo."""
    import getpass

    from staff.accounts import StaffError

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise StaffError("The two passwords differ.")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    store = _staff()
    user = store.add_user(args.username, _read_password(args), args.role, args.display_name)
    print(f"user {user.username} created: role {user.role}, shown to customers as {user.display_name!r}")
    return 0


def cmd_user_password(args: argparse.Namespace) -> int:
    _staff().set_password(args.username, _read_password(args))
    print(f"password of {args.username} changed; their sessions are logged out")
    return 0


def cmd_user_list(_args: argparse.Namespace) -> int:
    for user in _staff().list():
        print(f"{user.username:20} {user.role:7} {user.display_name}")
    return 0


DEMO_USER = "demo"


def _demo_account() -> str:
    """A fresh password for the demo's admin account on every demo start, printed once."""
    import secrets

    from staff.accounts import StaffError

    store = _staff()
    password = secrets.token_urlsafe(12)
    try:
        store.set_password(DEMO_USER, password)
    except StaffError:
        store.add_user(DEMO_USER, password, "admin", "Alex (demo)")
    return password


def cmd_bridge_run(_args: argparse.Namespace) -> int:
    """Mine resolved chats into anonymized drafts for editors; safe to run again at any time."""
    from tqdm import tqdm

    from bridge.runs import AlreadyRunning
    from nahbar.services import connect, open_bridge, open_bridge_runs

    settings = _settings()
    engine = connect(settings)
    runs = open_bridge_runs(engine, open_bridge(settings, engine, _knowledge()))
    try:
        summary = runs.run("command line", progress=lambda items: tqdm(items, desc="resolved chats", unit="chat"))
    except AlreadyRunning as exc:
        print(f"{exc} Try again when it has finished.", file=sys.stderr)
        return 1
    print("\n".join(summary.lines()))
    for slug in summary.draft_slugs:
        print(f"new draft for editors: {settings.base_url}/editor (article {slug})")
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    """A separate rasa_sdk action server with Nahbar's actions, for NAHBAR_ACTION_ENDPOINT."""
    from rasa_sdk.endpoint import run

    import actions
    from actions.context import configure
    from nahbar.services import action_context

    configure(action_context(_settings(), _knowledge()))
    run(actions, port=args.port)
    return 0


def _ensure_model(verbose: bool) -> Path:
    """The trained model, training it first (as one line of progress) if its data changed."""
    from bot.training import ensure_model, model_path
    from nahbar.progress import step

    settings = _settings()
    if model_path(settings.models_dir).is_file():
        return model_path(settings.models_dir)
    settings.prepare()
    with step("training the bot's model (a few minutes, once per change of its training data)",
              settings.data_dir / "training.log", verbose):
        return ensure_model(settings.models_dir)


def cmd_train(args: argparse.Namespace) -> int:
    path = _ensure_model(args.verbose)
    print(f"Rasa model ready: {path}")
    return 0


def cmd_serve(_args: argparse.Namespace, notes: str = "") -> int:
    from nahbar.server import serve

    serve(_settings(), notes)
    return 0


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    """Bring the database to this release's schema; every start does it too, this shows what it did."""
    from nahbar.migrate import upgrade
    from nahbar.services import open_database

    print(upgrade(open_database(_settings())).line())
    return 0


def cmd_db_current(_args: argparse.Namespace) -> int:
    from nahbar.migrate import current, head, history
    from nahbar.services import open_database

    at, newest = current(open_database(_settings())), head()
    if at == newest:
        print(f"revision {at}: the newest this release knows")
    elif at is None:
        print(f"no revision (an empty database, or one made before migrations); `nahbar db upgrade` brings it to {newest}")
    elif at in {script.revision for script in history()}:
        print(f"revision {at}; this release's newest is {newest}: `nahbar db upgrade` (or a start) brings it there")
    else:
        print(f"revision {at}, which this release does not know (its newest is {newest}): a newer release upgraded it")
        return 1
    return 0


def cmd_db_history(_args: argparse.Namespace) -> int:
    from nahbar.migrate import history

    for script in history():
        print(f"{script.revision}  {(script.doc or '').strip()}{'  (newest)' if script.is_head else ''}")
    return 0


def cmd_db_revision(args: argparse.Namespace) -> int:
    """For developers, in a checkout: a revision file for what changed in the parts' schema modules."""
    from nahbar.migrate import new_revision

    path = new_revision(args.message, empty=args.empty)
    print(f"written {path}: read it, adjust it, and add a test if it moves data")
    return 0


def _prepare_demo(verbose: bool) -> str:
    """Train if needed, load the demo knowledge base if it is empty; the staff login to print."""
    settings = _settings()
    _ensure_model(verbose)
    knowledge = _knowledge()
    if knowledge.count() == 0:
        report = knowledge.import_articles(read_articles(DEMO_FILE), actor="demo")
        print(f"demo knowledge base loaded: {report.created} articles")
    del knowledge
    password = _demo_account()
    return (
        f"Staff login for the agent console ({settings.base_url}/login):\n"
        f"  username {DEMO_USER}\n  password {password}   (new on every demo start; role admin)\n"
    )


def cmd_demo(args: argparse.Namespace) -> int:
    """Train if needed, load the demo knowledge base if it is empty, and serve."""
    return cmd_serve(args, _prepare_demo(args.verbose))


def cmd_demo_data(args: argparse.Namespace) -> int:
    """What `demo` does before it serves, for scripts/cluster.sh, which starts the servers itself."""
    print(_prepare_demo(args.verbose), end="", flush=True)
    return 0


def _customer_data():
    """Customers' data without a server: the tracker store opened directly, the bridge only if a draft needs it."""
    from functools import lru_cache, partial

    from bot.trackers import sql_tracker_store
    from nahbar.customer_data import CustomerData, Retention
    from nahbar.database import make_engine
    from nahbar.services import connect, open_bridge

    settings = _settings()
    engine = connect(settings)
    trackers = sql_tracker_store(settings.database_url, settings.data_dir, 0, partial(make_engine, future=False))
    bridge = lru_cache(maxsize=1)(lambda: open_bridge(settings, engine, _knowledge()))
    return CustomerData(engine, trackers, Retention.from_settings(settings), settings.bridge_min_customers, bridge)


def _describe(found) -> str:
    return (f"#{found.id}  started {found.created_at:%Y-%m-%d %H:%M}, last message {found.last_activity_at:%Y-%m-%d %H:%M} UTC, "
            f"{found.messages} messages, {found.state}" + (f", e-mail {found.contact_email}" if found.contact_email else ""))


def cmd_customer_export(args: argparse.Namespace) -> int:
    """Everything stored about a customer's conversations as JSON (GDPR Art. 15, 20); logged in the audit log."""
    data = _customer_data()
    found = data.find(args.reference)
    exports = [data.export(c.id, f"command line ({args.actor})") for c in found]
    text = json.dumps(exports[0] if len(exports) == 1 else {"conversations": exports}, ensure_ascii=False, indent=2)
    if args.output:
        Path(args.output).write_text(text + "\n", "utf-8")
        print(f"exported {len(exports)} conversation(s) to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return 0


def cmd_customer_erase(args: argparse.Namespace) -> int:
    """Erase a customer's conversations everywhere (GDPR Art. 17), after a confirmation."""
    data = _customer_data()
    found = data.find(args.reference)
    print("This erases, everywhere and for good:")
    for conversation in found:
        print(f"  {_describe(conversation)}")
    if any(c.state in ("waiting", "agent") for c in found):
        print("  (a chat people hold now: the agent's console shows it until they reload; erase it from the admin "
              "console of a running server to close it for them at once)")
    if not args.yes:
        try:
            answer = input(f"Erase {len(found)} conversation(s)? Type 'erase' to confirm: ").strip().lower()
        except EOFError:  # no terminal to ask (a script): it must say --yes
            answer = ""
        if answer != "erase":
            print("nothing erased")
            return 1
    for conversation in found:
        erased = data.erase(conversation.id, f"command line ({args.actor})")
        print(f"erased #{erased.conversation_id}: {erased.messages} messages, {erased.tracker_events} bot memory events, "
              f"{erased.missed_questions} missed questions, {erased.articles_chosen} articles chosen; "
              f"drafts withdrawn {erased.drafts_withdrawn}, "
              f"redrafted {erased.drafts_redrafted}")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """Remove what is past its retention period (NAHBAR_KEEP_*); `--dry-run` only counts."""
    report = _customer_data().purge(dry_run=args.dry_run)
    print("\n".join(report.lines()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nahbar", description="Nahbar chatbot and helpdesk")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="show everything: debug logs, the libraries' warnings, training output")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="start the server").set_defaults(func=cmd_serve)
    commands.add_parser("demo", help="train if needed, load demo articles, start the server").set_defaults(func=cmd_demo)
    commands.add_parser("demo-data", help="train if needed, load demo articles, print the demo login") \
        .set_defaults(func=cmd_demo_data)
    db = commands.add_parser("db", help="the database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", aliases=["init"], help="bring the database to this release's schema (every start does it too)") \
        .set_defaults(func=cmd_db_upgrade)
    db.add_parser("current", help="the schema revision the database is at").set_defaults(func=cmd_db_current)
    db.add_parser("history", help="every schema revision this release knows, newest first") \
        .set_defaults(func=cmd_db_history)
    revision = db.add_parser("revision", help="developers: write a revision for what changed in the models")
    revision.add_argument("-m", "--message", required=True, help="what the revision changes")
    revision.add_argument("--empty", action="store_true", help="an empty revision, for a data migration")
    revision.set_defaults(func=cmd_db_revision)
    commands.add_parser("train", help="train the Rasa model if its training data changed").set_defaults(func=cmd_train)
    action_server = commands.add_parser("actions", help="run the custom actions as a separate rasa_sdk action server")
    action_server.add_argument("--port", type=int, default=5055)
    action_server.set_defaults(func=cmd_actions)
    kb = commands.add_parser("kb", help="manage the public knowledge base").add_subparsers(dest="kb_command", required=True)
    imp = kb.add_parser("import", help="import articles from a YAML or JSON file")
    imp.add_argument("file")
    imp.add_argument("--actor", default="cli", help="name recorded in the version history")
    imp.set_defaults(func=cmd_kb_import)
    exp = kb.add_parser("export", help="export articles as YAML (re-importable)")
    exp.add_argument("-o", "--output")
    exp.add_argument("--all", action="store_true", help="include drafts and withdrawn articles")
    exp.set_defaults(func=cmd_kb_export)
    search = kb.add_parser("search", help="search published articles")
    search.add_argument("query")
    search.add_argument("--lang", help="de or en (default: all)")
    search.add_argument("--limit", type=int, default=5)
    search.set_defaults(func=cmd_kb_search)
    kb.add_parser("reindex", help="rebuild the search index from the database").set_defaults(func=cmd_kb_reindex)
    user = commands.add_parser("user", help="manage staff accounts").add_subparsers(dest="user_command", required=True)
    add = user.add_parser("add", help="create a staff account (agent, editor or admin)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["agent", "editor", "admin"])
    add.add_argument("--display-name", help="the name customers see (default: the username)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(func=cmd_user_add)
    password = user.add_parser("password", help="set a new password (logs the user out everywhere)")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    password.set_defaults(func=cmd_user_password)
    user.add_parser("list", help="list staff accounts").set_defaults(func=cmd_user_list)
    customer = commands.add_parser("customer", help="a customer's data: export or erase (GDPR)") \
        .add_subparsers(dest="customer_command", required=True)
    for name, func, text in (("export", cmd_customer_export, "print everything stored about the conversations as JSON"),
                             ("erase", cmd_customer_erase, "erase the conversations everywhere, for good")):
        sub = customer.add_parser(name, help=text)
        sub.add_argument("reference", help="reference number (42 or #42), chat id, or the e-mail address of an offline message")
        sub.add_argument("--actor", default=os.environ.get("USER", "operator"), help="who asks, for the audit log")
        if name == "export":
            sub.add_argument("-o", "--output", help="write to this file instead of stdout")
        else:
            sub.add_argument("--yes", action="store_true", help="do not ask for a confirmation")
        sub.set_defaults(func=func)
    purge = commands.add_parser("purge", help="remove what is past its retention period")
    purge.add_argument("--dry-run", action="store_true", help="only print what would be removed")
    purge.set_defaults(func=cmd_purge)
    bridge = commands.add_parser("bridge", help="turn resolved chats into drafts").add_subparsers(dest="bridge_command", required=True)
    bridge.add_parser("run", help="read new resolved chats, anonymize, group, draft").set_defaults(func=cmd_bridge_run)
    return parser


def settle_output(verbose: bool) -> None:
    """What an operator sees: our own progress and results, not the libraries' notices.

    Before anything of Rasa, TensorFlow or Presidio is imported: their deprecation and
    user warnings, TensorFlow's C++ logs, Presidio's configuration notes and Rasa's debug
    output (structlog) stay away, and Rasa reports no telemetry unless the operator turns
    it on (`NAHBAR_RASA_TELEMETRY=true`). `--verbose` (or `NAHBAR_LOG_LEVEL`) shows it all.
    """
    level = "DEBUG" if verbose else os.environ.get("NAHBAR_LOG_LEVEL", "WARNING")
    os.environ["RASA_TELEMETRY_ENABLED"] = os.environ.get("NAHBAR_RASA_TELEMETRY", "false")
    if not verbose:
        import warnings

        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        quiet = (DeprecationWarning, PendingDeprecationWarning, UserWarning, FutureWarning)
        for category in quiet:
            warnings.filterwarnings("ignore", category=category)
        # Libraries put filters of their own in front of ours on import ("once" for every
        # DeprecationWarning): what reaches the screen is decided where it is shown instead.
        show = warnings.showwarning
        if not getattr(show, "nahbar_quiet", False):  # once per process, however often main() runs
            def show_unless_quiet(message: Any, category: type, *rest: Any, **kwargs: Any) -> None:
                if not issubclass(category, quiet):
                    show(message, category, *rest, **kwargs)

            show_unless_quiet.nahbar_quiet = True  # type: ignore[attr-defined]
            warnings.showwarning = show_unless_quiet
        os.environ["PYTHONWARNINGS"] = "ignore"  # the same for processes started from here (an action server)
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    from bot.logs import quiet_rasa_logging

    quiet_rasa_logging()  # before anything of Rasa runs: training in `nahbar demo` too


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    settle_output(args.verbose)
    from helpdesk.records import RecordsError
    from knowledge.articles import ArticleError
    from knowledge.embeddings import EncoderError
    from nahbar.settings import SettingsError
    from staff.accounts import StaffError

    try:
        return args.func(args)
    except (SettingsError, ArticleError, EncoderError, StaffError, RecordsError, FileNotFoundError) as exc:
        print(f"nahbar: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

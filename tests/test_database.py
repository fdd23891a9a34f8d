"""The engine every part shares."""

from sqlalchemy import text

from nahbar.database import make_engine


def test_a_sqlite_file_keeps_its_connections_open_between_requests(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    with engine.connect() as first:
        opened = first.connection.dbapi_connection
    with engine.connect() as second:
        assert second.connection.dbapi_connection is opened
        assert second.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_writes_from_two_pooled_connections_are_both_kept(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v INTEGER)"))
    with engine.connect() as reader, engine.begin() as writer:
        writer.execute(text("INSERT INTO t VALUES (1)"))
        assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0  # not committed yet
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (2)"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    engine.dispose()

"""Many phones at once, and a server killed mid-run: every confirmed answer is stored once."""

from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from servers import Phone, gunicorn
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Answer, Response

QUESTIONS = ["like", "name", "happy"]


def _value(i: int, qid: str) -> str:
    return {"like": f"Phone {i} likes swimming", "name": f"Person {i}",
            "happy": str(1 + i % 3)}[qid]


def test_fifty_phones_answering_at_once_store_every_answer_exactly_once(app, invite):
    tokens = [invite().token for _ in range(50)]
    db.session.commit()
    start = threading.Barrier(50)

    def run(i: int) -> tuple[str, list[str]]:
        phone = Phone(base, tokens[i])
        start.wait(timeout=60)
        confirmed = []
        for qid in QUESTIONS:
            assert phone.answer(qid, _value(i, qid))
            if i % 5 == 0:  # a double tap: the same answer sent again
                assert phone.answer(qid, _value(i, qid))
            confirmed.append(qid)
        return phone.key, confirmed

    with gunicorn(app, workers=4, threads=8) as (base, _proc):
        with ThreadPoolExecutor(50) as pool:
            results = list(pool.map(run, range(50)))

    db.session.expire_all()
    rows = db.session.execute(select(Response.resume_key, Answer.question_id, Answer.value)
                              .join(Answer.response)).all()
    assert len(rows) == 50 * len(QUESTIONS)
    stored = {(key, qid): value for key, qid, value in rows}
    assert len(stored) == len(rows)  # no (response, question) twice
    for i, (key, confirmed) in enumerate(results):
        for qid in confirmed:
            expected = [_value(i, qid)] if qid == "like" else _value(i, qid)  # statements: a list
            assert stored[(key, qid)] == expected


def test_killing_the_server_loses_no_confirmed_answer(app, invite):
    tokens = [invite().token for _ in range(20)]
    db.session.commit()
    confirmed: list[tuple[str, str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def run(i: int) -> None:
        try:
            phone = Phone(base, tokens[i])
            n = 0
            while not stop.is_set() and n < 400:
                value = f"answer {n} from {i}"
                if phone.answer("name", value):
                    with lock:
                        confirmed.append((phone.key, "name", value))
                n += 1
        except (requests.RequestException, AttributeError):
            return  # the server went away mid-request: that answer was never confirmed

    with gunicorn(app, workers=2, threads=4) as (base, proc):
        threads = [threading.Thread(target=run, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        while len(confirmed) < 100:
            threading.Event().wait(0.05)
        os.killpg(proc.pid, signal.SIGKILL)  # no clean shutdown: master and workers die at once
        proc.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=30)

    assert len(confirmed) >= 100
    db.session.expire_all()
    latest: dict[str, str] = {}
    for key, _qid, value in confirmed:
        latest[key] = value  # each phone's answers are sent in order; the last one confirmed
    rows = dict(db.session.execute(
        select(Response.resume_key, Answer.value).join(Answer.response)
        .where(Answer.question_id == "name")).all())
    for key, value in latest.items():
        stored_n = int(rows[key].split()[1])
        assert stored_n >= int(value.split()[1]), (key, rows[key], value)


def _compile_into(target: str) -> int:
    from pathlib import Path

    from reviewkit.config import REPO_ROOT
    from reviewkit.i18n import compile_catalogs

    return len(compile_catalogs(REPO_ROOT / "translations", Path(target)))


def test_workers_starting_together_compile_the_catalogues_without_tripping(tmp_path):
    """Four processes (gunicorn's workers at start) compile into one empty folder at once:
    none fails, and every catalogue is whole."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from babel.messages.mofile import read_mo

    with ProcessPoolExecutor(4, mp_context=get_context("spawn")) as pool:
        written = list(pool.map(_compile_into, [str(tmp_path)] * 8))
    assert sum(written) >= 6  # between them, every language was compiled
    for mo in tmp_path.glob("*/LC_MESSAGES/messages.mo"):
        with mo.open("rb") as fh:
            assert len(read_mo(fh)) > 100, mo
    assert len(list(tmp_path.glob("*/LC_MESSAGES/messages.mo"))) == 6
    assert not list(tmp_path.rglob("*.tmp"))


def test_send_pressed_again_while_the_first_was_being_saved_leaves_the_first_send_alone(
        app, invite, client, page):
    """The second press (on another server, say) read the response before the first one was
    sent, then sends it too: the statements the first made stay as they are (same rows, so
    themes and curation that point at them keep them), made once, and the time sent stays."""
    from conftest import start_journey

    from reviewkit.models import Statement
    from reviewkit.services import responses as svc

    invitation = invite()
    db.session.commit()
    key = start_journey(page, invitation).split("/")[2]
    assert page(f"/a/{key}/q/like", {"answer": "I am kind\nI grow tomatoes",
                                     "action": "next"}).status == 302
    assert page(f"/a/{key}/q/name", {"answer": "Zoë", "action": "next"}).status == 302
    second = svc.find_response(key)  # read before the first press was sent
    token = page(f"/a/{key}/check").csrf
    first = client.post(f"/a/{key}/send", data={"csrf_token": token})
    assert first.status_code == 302 and first.headers["Location"].endswith("/done")

    def stored():
        db.session.expire_all()
        return (db.session.scalar(select(Response.submitted_at).filter_by(resume_key=key)),
                db.session.execute(select(Statement.id, Statement.text).where(
                    Statement.response_id == second.id).order_by(Statement.id)).all())

    sent_at, made = stored()
    assert sent_at is not None and [t for _i, t in made] == ["I am kind", "I grow tomatoes"]
    svc.submit(second)
    assert stored() == (sent_at, made)
    assert second.submitted_at == sent_at

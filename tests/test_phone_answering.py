"""What a person answering on their own phone meets, found by answering as them: the progress
line, answers sent from another tab after sending, sending with a question still to answer,
answers that are only spaces or bullets, and a code of only spaces."""

from __future__ import annotations

import re

from conftest import start_journey

PROGRESS = re.compile(r"Question (\d+) of (\d+)")


def _key(page, invite, **kw) -> str:
    return start_journey(page, invite(**kw)).split("/")[2]


def _progress(page, url: str) -> tuple[int, int]:
    shown = page(url)
    n, total = PROGRESS.search(shown.html).groups()
    return int(n), int(total)


def test_the_question_count_never_grows_as_answers_bring_follow_up_questions(page, invite):
    """The test bank's 'What is not working?' follows a yes: it is counted from the start
    (it said 'Question 4 of 5', then 'Question 5 of 6'), and left out of the count after a no."""
    key = _key(page, invite)
    seen = []
    for qid, value in [("like", "Kind"), ("name", "Sam"), ("happy", "3"),
                       ("anything-wrong", "yes"), ("what-wrong", "The bus"),
                       ("activities", "cook")]:
        seen.append(_progress(page, f"/a/{key}/q/{qid}"))
        page(f"/a/{key}/q/{qid}", {"answer": value, "action": "next"})
    assert seen == [(n, 6) for n in range(1, 7)]
    page(f"/a/{key}/q/anything-wrong?change=1", {"answer": "no", "action": "next"})
    assert _progress(page, f"/a/{key}/q/activities") == (5, 5)

"""Proposal answering over HTTP: a delegate's proposal in (pasted text or a file), evidence per
ask and a draft reply out (JSON, or an editable .docx); and its page, /answer.

Answering reads the store and writes nothing, so these POSTs need no token (the guard lets the
paths in ``READ_ONLY_POSTS`` through); size limits and the same-origin rule still apply.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from reportmine import answering
from reportmine.document import Extraction
from reportmine.pipeline import extract_document
from reportmine.readers import read_document

from ..deps import Settings, SettingsDep
from ..uploads import check_name
from .recommendations import wait_for_register
from .ui import render

router = APIRouter(tags=["answering"])
PAGES = [("/answer", "Answer")]
READ_ONLY_POSTS = ("/api/answer", "/api/answer/file")
Format = Literal["json", "docx"]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class AnswerRequest(BaseModel):
    text: str = Field(min_length=1, max_length=50_000, description="The proposal's text.")
    region: str | None = Field(None, max_length=100, description="Prefer evidence from here (default: the proposal's).")
    k: int = Field(5, ge=1, le=10, description="Evidence passages per ask.")
    format: Format = "json"


def answer_data(settings: Settings, extraction: Extraction, region: str | None, k: int) -> dict[str, Any]:
    """The answer as JSON with its draft: paragraphs that quote evidence, and the numbered sources."""
    with settings.store() as store:
        wait_for_register(settings, store)  # answering reads the register: never rebuild it in-request
        result = answering.answer_proposal(store, extraction, region=region, k=k)
    paragraphs, notes = answering.draft_paragraphs(result)
    return {**result.to_json(), "draft": {"paragraphs": paragraphs, "notes": notes}}


def _respond(settings: Settings, extraction: Extraction, region: str | None, k: int, fmt: str) -> Any:
    if fmt == "json":
        return answer_data(settings, extraction, region, k)
    with settings.store() as store:
        wait_for_register(settings, store)
        result = answering.answer_proposal(store, extraction, region=region, k=k)
    with tempfile.TemporaryDirectory(prefix="reportmine-answer-") as tmp:
        path = Path(tmp) / "reply.docx"
        answering.write_docx(result, str(path))
        data = path.read_bytes()
    return Response(data, media_type=DOCX, headers={"Content-Disposition": 'attachment; filename="reply-draft.docx"'})


@router.post("/api/answer", summary="Answer a proposal given as text")
def post_answer(settings: SettingsDep, body: AnswerRequest) -> Any:
    """Evidence for each ask, a suggested handling class (A/B/C) and a draft reply.

    ``format=docx`` returns the draft as an editable Word file instead of JSON.
    """
    return _respond(settings, answering.proposal_from_text(body.text), body.region, body.k, body.format)


@router.post("/api/answer/file", summary="Answer a proposal given as a file (.txt, .docx, .pdf, .html)")
async def post_answer_file(settings: SettingsDep, file: Annotated[UploadFile, File()],
                           region: Annotated[str | None, Form(max_length=100)] = None,
                           k: Annotated[int, Form(ge=1, le=10)] = 5, format: Annotated[Format, Form()] = "json") -> Any:
    name = check_name(file.filename)
    data = await file.read()
    return await run_in_threadpool(_answer_bytes, settings, name, data, region, k, format)


def _answer_bytes(settings: Settings, name: str, data: bytes, region: str | None, k: int, fmt: str) -> Any:
    document = read_document(name, data=data, source=name)  # reads the bytes only: no path is opened
    return _respond(settings, extract_document(document)[0], region, k, fmt)


@router.get("/answer", response_class=HTMLResponse, include_in_schema=False)
def answer_page(request: Request) -> HTMLResponse:
    return render(request, "answer.html")

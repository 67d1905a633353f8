"""Online exhibitions and roadshows (成果展览展示, the city plan's task 16): the centre
curates a themed exhibition of listings chosen by hand and/or defined by a search (its query
and filters are stored, so the page shows the current matches), with the organisations taking
part and an optional roadshow session people sign up for. Questions, licence requests, open
licences taken and demand answers started from an exhibition are attributed to it
(:class:`ExhibitionLead`), so the centre sees what each one led to."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, created_at_column


class Exhibition(db.Model):
    __tablename__ = "exhibition"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    roadshow_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    roadshow_place: Mapped[str] = mapped_column(String(300), default="")
    # listings defined by a search (as the search page reads it): words and filters
    query: Mapped[str] = mapped_column(String(200), default="", server_default="")
    filters: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"),
                                                           nullable=True)
    created_at: Mapped[datetime] = created_at_column()

    listings: Mapped[list[ExhibitionListing]] = relationship(
        order_by="ExhibitionListing.position", cascade="all, delete-orphan")
    organisations: Mapped[list[ExhibitionOrganisation]] = relationship(
        order_by="ExhibitionOrganisation.id", cascade="all, delete-orphan")


class ExhibitionListing(db.Model):
    """A listing the centre featured in the exhibition, in the order it chose."""

    __tablename__ = "exhibition_listing"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id"))
    patent_id: Mapped[int] = mapped_column(ForeignKey("patent.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    patent = relationship("Patent")

    __table_args__ = (UniqueConstraint("exhibition_id", "patent_id",
                                       name="uq_exhibition_listing_exhibition_patent"),)


class ExhibitionOrganisation(db.Model):
    """An organisation taking part in the exhibition."""

    __tablename__ = "exhibition_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))

    org = relationship("Organisation")

    __table_args__ = (UniqueConstraint("exhibition_id", "org_id",
                                       name="uq_exhibition_organisation_exhibition_org"),)


class RoadshowSignup(db.Model):
    """A user signed up for the exhibition's roadshow session (once)."""

    __tablename__ = "roadshow_signup"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = created_at_column()

    user = relationship("User")

    __table_args__ = (UniqueConstraint("exhibition_id", "user_id",
                                       name="uq_roadshow_signup_exhibition_user"),)


class ExhibitionLead(db.Model):
    """A question, licence request, open licence taken or demand answer that started from
    the exhibition; each at most once (a double-submitted form does not count twice)."""

    __tablename__ = "exhibition_lead"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # question | request | open_licence | answer
    question_id: Mapped[int | None] = mapped_column(ForeignKey("listing_question.id"),
                                                    nullable=True, unique=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deal.id"), nullable=True,
                                                unique=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("demand_answer.id"),
                                                  nullable=True, unique=True)
    created_at: Mapped[datetime] = created_at_column()

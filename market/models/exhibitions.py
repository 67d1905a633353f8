"""Online exhibitions and roadshows (成果展览展示, the city plan's task 16): the centre
curates a themed exhibition of listings chosen by hand, with the organisations taking part
and an optional roadshow session people sign up for. Questions and licence requests started
from an exhibition are attributed to it (:class:`ExhibitionLead`), so the centre sees what
each one led to."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
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
    """A question or licence request that started from the exhibition."""

    __tablename__ = "exhibition_lead"

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibition_id: Mapped[int] = mapped_column(ForeignKey("exhibition.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # question | request
    question_id: Mapped[int | None] = mapped_column(ForeignKey("listing_question.id"),
                                                    nullable=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deal.id"), nullable=True)
    created_at: Mapped[datetime] = created_at_column()

"""Files from school administration systems, read without Django.

`edexml.parse` reads an EDEXML 2.1 export (Dutch, or the Flemish variant) and `csvfile.parse`
a CSV export with a column mapping; both return the plain data model of `model` (school,
groups, pupils, staff) or raise `FileProblem` with one line naming the problem and where.
National numbers (BSN, rijksregisternummer, onderwijsnummer) and the ECK iD are never read
into the model, so nothing downstream can store them. The sync that writes the model to the
database is `hechtwijzer.administration.imports`.
"""

from .model import FileProblem, GroupRow, PupilRow, SchoolFile, SchoolInfo, StaffRow

__all__ = ["FileProblem", "GroupRow", "PupilRow", "SchoolFile", "SchoolInfo", "StaffRow"]

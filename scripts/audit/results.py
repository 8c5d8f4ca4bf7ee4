"""What the audit found on one page type."""

from dataclasses import asdict, dataclass, field

from scripts.audit.pages import PageType


@dataclass
class Result:
    page: PageType
    url: str = ""
    status: int | None = None
    missing: bool = False
    problems: list = field(default_factory=list)
    axe: list = field(default_factory=list)
    vnu: list = field(default_factory=list)
    console: list = field(default_factory=list)
    outside: list = field(default_factory=list)
    headers_missing: list = field(default_factory=list)
    # One entry per width at which the document is wider than the viewport.
    reflow: list = field(default_factory=list)
    lighthouse: dict = field(default_factory=dict)
    lighthouse_failures: list = field(default_factory=list)
    weight: dict = field(default_factory=dict)
    fonts: dict = field(default_factory=dict)
    html_file: str = ""
    screenshots: list = field(default_factory=list)

    @property
    def planned(self):
        """A planned page type that does not exist yet: listed, not failed."""
        return self.missing and self.page.planned and not self.problems

    @property
    def failed(self):
        if self.planned:
            return False
        return bool(
            self.missing
            or self.problems
            or self.axe
            or self.vnu
            or self.console
            or self.outside
            or self.headers_missing
            or self.reflow
            or self.lighthouse_failures
            or self.weight.get("over")
            or self.fonts.get("over")
        )

    def as_dict(self):
        data = asdict(self)
        data["page"] = self.page.name
        data["description"] = self.page.description
        data["outside_requests"] = data.pop("outside")
        data["planned"] = self.planned
        data["failed"] = self.failed
        return data

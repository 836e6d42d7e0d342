from hechtwijzer.privacy.tests.test_export import ExportTests as Base
from hechtwijzer.privacy.models import ExportApproval


class Dump(Base):
    def test_dump(self):
        self.approve(include_care="on", safeguarding="include", reason="ok")
        self.login("dirk")
        a = ExportApproval.objects.get()
        open("/tmp/hwx/page.html", "w").write(self.use("html", a).content.decode())
        open("/tmp/hwx/data.json", "w").write(self.use("json", a).content.decode())
        open("/tmp/hwx/plain.html", "w").write(self.client.get(self.url()).content.decode())
        self.login("carla")
        open("/tmp/hwx/approve.html", "w").write(self.client.get(self.url("privacy:approve_export")).content.decode())

from quotestance.cli import app

app(prog_name="quotestance")

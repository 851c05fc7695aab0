"""Run in a fresh interpreter: register csxl.udfs with xlwings' own machinery as on Windows, print the result.

On Linux xlwings' decorators do nothing; xlwings.udfs (the Windows implementation) needs pywin32,
so its modules are stubbed here, in this process only, and the real decorators are put in place
before csxl.udfs is imported. Prints JSON: the generated VBA module and each function's metadata.
"""

import io
import json
import sys
import types

for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["pythoncom"].CoInitialize = lambda: None
sys.modules["pywintypes"].com_error = Exception
sys.modules["win32com.client"].Dispatch = lambda *args, **kwargs: None

import xlwings  # noqa: E402
import xlwings.udfs as windows_udfs  # noqa: E402

xlwings.func, xlwings.arg, xlwings.ret = windows_udfs.xlfunc, windows_udfs.xlarg, windows_udfs.xlret

import csxl.udfs as module  # noqa: E402


class Workbook:
    Name = "csxl.xlsm"


vba = io.StringIO()
windows_udfs.generate_vba_wrapper("csxl.udfs", module, vba, Workbook())
metadata = {
    name: {"category": f.__xlfunc__["category"], "doc": f.__xlfunc__["ret"]["doc"],
           "args": [{"name": a["name"], "doc": a["doc"], "optional": "optional" in a} for a in f.__xlfunc__["args"]]}
    for name, f in vars(module).items() if hasattr(f, "__xlfunc__")
}
json.dump({"vba": vba.getvalue(), "functions": metadata}, sys.stdout)

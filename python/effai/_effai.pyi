"""Type stubs of the native extension (see effai/__init__.py for the API)."""
from typing import Dict, List, Optional, Tuple

_Record = Tuple[str, str, str]

class Module:
    def verify(self) -> List[_Record]: ...
    def run_pipeline(self, pipeline: str) -> Tuple[bool, List[_Record]]: ...

def parse_module(text: str) -> Tuple[Optional[Module], List[_Record]]: ...
def import_onnx(data: bytes, source_name: str,
                input_shapes: Dict[str, List[int]],
                constants: Dict[str, bytes],
                external_data_dir: str) -> Tuple[Optional[Module], List[_Record]]: ...

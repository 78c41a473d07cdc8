from tests.selection.steps import scene, transactional_scene  # noqa: F401  (fixtures every selection test builds on)

def test_settings_load(settings):
    assert settings.DEBUG is False

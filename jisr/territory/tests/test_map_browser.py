"""The offline map, in a real browser with every request outside 127.0.0.1 blocked."""

import pytest

from jisr.testing.factories import RegionFactory


@pytest.mark.browser
@pytest.mark.parametrize(("language", "title"), [("ar", "مراكش"), ("fr", "Marrakech-Safi")])
def test_the_map_draws_12_regions_offline_and_a_click_opens_the_region(browser_page, live_url,
                                                                        language, title):
    # Given the 12 regions (the map's shapes ship with the app; the pages need the rows)
    from jisr.territory import source

    for region in source.iter_regions():
        RegionFactory(code=region.code, name_fr=region.name_fr, name_ar=region.name_ar)
    page = browser_page
    page.context.add_cookies([{"name": "jisr_language", "value": language,
                               "url": live_url}])

    # when a visitor opens the territories page, with no internet
    page.goto(f"{live_url}/territories/")
    page.wait_for_selector(".territory-map[data-state=ready]")

    # then the map draws the 12 regions, each a link
    areas = page.locator(".territory-map svg a[data-area]")
    assert areas.count() == 12
    assert page.locator(".territory-map svg a[data-code='07'] path").get_attribute("d")

    # and a click on Marrakech-Safi opens that region's page
    with page.expect_navigation():
        page.locator(".territory-map svg a[data-code='07']").click()
    assert page.url == f"{live_url}/territories/region/07/"
    assert page.locator("h1").inner_text().startswith(title)
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    page.wait_for_selector(".territory-map[data-state=ready]")
    assert page.locator(".territory-map svg a[data-area]").count() > 200
    assert page.blocked == []

namespace Meterline.HeadEnd.Outages;

/// <summary>An outage is open until every meter it affected has its supply back.</summary>
public enum OutageState
{
    Open = 0,
    Restored = 1,
}

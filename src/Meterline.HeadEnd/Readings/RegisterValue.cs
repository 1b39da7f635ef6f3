namespace Meterline.HeadEnd.Readings;

/// <summary>One register's scaled value, in the quantity's unit.</summary>
public readonly record struct RegisterValue(Quantity Quantity, double Value);

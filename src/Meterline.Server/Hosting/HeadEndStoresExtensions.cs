namespace Meterline.Server.Hosting;

/// <summary>Registers each storage port as a singleton.</summary>
public static class HeadEndStoresExtensions
{
    public static IServiceCollection AddHeadEndStores(this IServiceCollection services, HeadEndStores stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        return services.AddSingleton(stores).AddSingleton(stores.Meters).AddSingleton(stores.Readings).AddSingleton(stores.Commands)
            .AddSingleton(stores.Audit).AddSingleton(stores.Keys).AddSingleton(stores.Counters);
    }
}
